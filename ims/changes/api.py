from ninja import Router

router = Router(tags=["planned changes"])
