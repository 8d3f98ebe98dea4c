"""Data that the Guide page shows for warm-up prompt and recall sections."""
