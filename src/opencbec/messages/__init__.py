"""Message codecs: pure, no database (China Customs CEB XML, ...)."""
