"""The benefits domain's writes, one module per area (merchants and the catalogue, campaigns,
claims, redemption, settlement, the breakfast programme)."""
