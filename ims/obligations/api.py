from ninja import Router

router = Router(tags=["compliance obligations"])
