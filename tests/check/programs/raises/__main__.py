import pulumi

raise pulumi.RunError("fixture failure: the database password is not configured")
