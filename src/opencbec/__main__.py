from opencbec.cli import main

main()
