"""The register of agencies: its YAML reader, the import into the workspace, and section corrections."""
