"""One ComponentResource per platform layer, plus shared building blocks (providers, naming, IAM, KMS, buckets)."""
