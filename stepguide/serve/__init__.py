"""Serving apart: Voila hooks, the server extension, the room, the workshop and its processes."""
