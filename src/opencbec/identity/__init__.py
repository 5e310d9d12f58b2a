"""Identity and tenancy: organisations and their roles, users, web sessions, API keys, sharing."""
