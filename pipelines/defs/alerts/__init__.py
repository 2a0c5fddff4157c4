"""Notify layer: the coordinators' digests."""
