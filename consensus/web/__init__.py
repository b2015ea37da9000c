"""The web shell: middleware, access control, templates, error pages."""
