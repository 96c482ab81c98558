"""The only code that touches the workspace's tables: schema, migrations and typed readers."""
