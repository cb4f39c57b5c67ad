"""Application services: ``async def`` with keyword-only arguments, each owning its transaction.

Every refusal is a ``bankcore.errors.DomainError`` with a code.
"""
