"""Who a WeChat user is to the service: 网页授权 and the mini-program's login, the QR scenes (meeting, binding,
organizer), a secretary's bound accounts and the organizer's decisions on them, the organizers, opaque refs."""
