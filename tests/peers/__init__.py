"""Real local servers that speak the protocols of the services the app uses."""
