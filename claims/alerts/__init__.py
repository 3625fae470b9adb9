"""Email alerts: the pure helpers (keyword terms, digest schedule, signed links, SMTP error
classes, message building) behind claims.services.alerts and claims.selectors.alerts, plus the
signed-link views mounted at /alerts/."""
