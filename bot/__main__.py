from .inbound.simulate import main

raise SystemExit(main())
