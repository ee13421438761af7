from permanence.cli.main import main

raise SystemExit(main())
