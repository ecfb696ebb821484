"""The object page: one page for every watched kind (`page.py` is the view), drawn from parts that
each know one thing — the object as YAML, its owners and dependents, its deletion from the change
log — and from one module per family of kinds that says what is worth linking to from it."""
