import LatchCore

RouteTable.discovery.serve()
