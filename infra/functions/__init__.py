"""Code that runs in AWS Lambda, packaged by the stacks at synth time (see LambdaFunction's BundledCode).

Each module is a whole function: standard library and the boto3 Lambda's Python runtime ships, nothing of
this repository; its handler is ``<module>.handler``.
"""
