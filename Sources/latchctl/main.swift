import LatchCore
import ArgumentParser

LatchCtl.main()
