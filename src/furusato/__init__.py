"""furusato-dao: the Python core of a regional-revitalization DAO.

Every module here imports without a chain connection. Modules that talk to a chain take a ``web3.Web3`` and
a :class:`furusato.chain.Sender`; the doors (``furusato.cli``, ``scripts/`` for ``brownie run``) build those
and call in.
"""

from furusato.errors import FurusatoError

__all__ = ["FurusatoError", "__version__"]
__version__ = "0.1.0"
