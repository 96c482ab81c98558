"""The sandbox's online public-service (DVCTT) portals, their SMTP sink and the sandbox clock."""
