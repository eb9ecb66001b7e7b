"""Four-eyes publishing: a request to publish the draft, approved by other admins before it is published."""
