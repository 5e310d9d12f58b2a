"""Financial services (金融服务): export collections, their reconciliation against released
exports, and what banks settle for their client enterprises."""
