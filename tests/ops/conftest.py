"""The moto S3 server fixture of the photo tests, for the stack test."""

from tests.photos.test_s3 import s3_endpoint  # noqa: F401 - a fixture, used by name
