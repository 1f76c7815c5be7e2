"""The database engine: django-tenants' PostgreSQL backend, with SQL scripts run one statement at a time."""
