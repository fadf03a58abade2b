"""Signal handlers of this app, connected by importing this module in AppConfig.ready()."""
