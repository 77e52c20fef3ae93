"""Operations: serving, health checks, backup and restore."""
