"""Quality layer: petition deadline states and the coordinators' feedback workbooks."""
