"""What kube-scheduler says about a pod it cannot place: its FailedScheduling message read back
into reasons, node counts and the preemption verdict."""
