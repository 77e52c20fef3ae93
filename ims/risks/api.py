from ninja import Router

router = Router(tags=["risks and opportunities"])
