"""The few exception types raised by spacerace."""


class SpaceraceError(Exception):
    """Base class for errors a user can cause and fix."""


class OutOfRangeError(SpaceraceError, ValueError):
    """A model was asked for a value outside its valid range."""


class CatalogError(SpaceraceError, ValueError):
    """A vehicle or mission file is malformed, incomplete or physically impossible.

    Parameters
    ----------
    path : str
        The file (or catalog name) at fault.
    field : str
        Dotted path of the field at fault, e.g. ``stages[0].engines[0].thrust_vacuum``.
    expected : str
        What was expected there.
    """

    def __init__(self, path: str, field: str, expected: str) -> None:
        self.path = path
        self.field = field
        self.expected = expected
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {expected}")


class SimulationError(SpaceraceError, RuntimeError):
    """A flight could not be computed (the kernel returned a failure status)."""


class UnreachableError(SimulationError):
    """A target the vehicle cannot reach, or an aim or guidance law that cannot meet it.

    The message says what could not be reached and the best that was got.
    """
