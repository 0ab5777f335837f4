"""The Fargate model service (``service``), its API Gateway front door (``api``) and its alarms (``monitoring``)."""
