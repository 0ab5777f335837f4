"""A private EKS cluster: control plane (``cluster``), managed node groups (``nodes``), pod credentials (``identity``)."""
