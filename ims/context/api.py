from ninja import Router

router = Router(tags=["context of the organisation"])
