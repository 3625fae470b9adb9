"""For operators: /health/live, /health/ready (django-health-check) and /metrics (Prometheus)."""
