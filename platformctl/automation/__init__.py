"""Drive the project's stacks through the Pulumi Automation API (``platformctl preview|up|refresh|destroy|drift``).

plan        which stacks, in which promotion waves
policies    the policy packs attached to every preview and update
isolation   a private PULUMI_HOME per stack so parallel stacks do not share workspace settings
pulumi_cli  find the CLI and check the backend login, with one clear error
operations  one operation on one stack (retries on ConcurrentUpdateError)
events      engine events folded into progress, changes and violations
runner      waves, parallelism, promotion gate, Ctrl-C cancellation
display     rich progress and the summary table
"""
