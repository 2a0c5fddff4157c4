"""Raw layer: the inbox files registered and landed as text."""
