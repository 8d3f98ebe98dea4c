"""The REST API for Your Turn, lessons (which include their Turn), snapshots and Depth points."""
