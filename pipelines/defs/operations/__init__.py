"""Operations layer: the backup taken after a successful run."""
