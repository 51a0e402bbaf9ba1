"""Field types shared by the API schemas."""

from typing import Annotated

from pydantic import Field

# ids are 32-bit integers in the database; a larger number can't name a row (and PostgreSQL
# would refuse to compare it), so it is a validation error, not a lookup
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]
