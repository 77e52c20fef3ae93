"""Cross-cutting primitives: settings helpers, errors, versioned records, request context."""
