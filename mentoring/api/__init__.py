"""The student side of mentoring in the REST API: cohorts, sharing and feedback."""
