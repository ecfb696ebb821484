"""What kube-scheduler says about a pod it cannot place, and why: its FailedScheduling message
read back into reasons, node counts and the preemption verdict (`failed_scheduling.py`), and the
same message worked out from the objects — a pod's requests as the scheduler counts them
(`resources.py`), the default profile's filter plugins by version (`filters.py`), the summary as
the scheduler writes it (`message.py`) and the whole cycle for one pod, node by node
(`evaluate.py` `why_pending`)."""
