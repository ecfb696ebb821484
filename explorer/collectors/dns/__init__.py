"""DNS as a pod sees it: Corefile and resolv.conf parsers, the kubelet's effective resolv.conf
of a pod, the glibc query order, the CoreDNS answer computed from the cluster's objects, and
live lookups (dnspython) to compare with."""
