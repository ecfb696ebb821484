"""View models: pure `state -> view model` functions, one module per view (the views of the
network pages in `network/`, of the workload pages in `workloads/`), registered by name in
`registry`.

A view model is a JSON-ready dict. Streaming computes it, diffs it against the last one sent and
ships the differences; a view says which kinds it reads so that other changes cost nothing.
"""
