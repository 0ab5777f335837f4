"""Container compute beside SageMaker: a Fargate model service (``fargate``) and a private EKS cluster (``eks``)."""
