"""GraphQL enums mirroring bankcore's."""

import strawberry

from bankcore.models import AccountStatus, EntryType, Gender, HolderRole, KycStatus, LedgerKind, ProductKind, Side

AccountStatusEnum = strawberry.enum(AccountStatus, name="AccountStatus", description="Lifecycle state of an account.")
EntryTypeEnum = strawberry.enum(EntryType, name="EntryType", description="The business event a journal entry records.")
GenderEnum = strawberry.enum(Gender, name="Gender", description="F, M or O.")
HolderRoleEnum = strawberry.enum(HolderRole, name="HolderRole", description="A member's relation to an account.")
KycStatusEnum = strawberry.enum(KycStatus, name="KycStatus", description="Know-your-customer verification state.")
LedgerKindEnum = strawberry.enum(LedgerKind, name="LedgerKind", description="Account class in double-entry bookkeeping.")
ProductKindEnum = strawberry.enum(ProductKind, name="ProductKind", description="Savings, current or loan.")
SideEnum = strawberry.enum(Side, name="Side", description="D for debit, C for credit.")
