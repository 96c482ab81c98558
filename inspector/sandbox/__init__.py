"""The sandbox province: simulated agency portals and online-service portals on loopback."""
