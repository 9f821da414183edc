import Foundation
import TerunCLI

let status = await Terun.execute(Array(CommandLine.arguments.dropFirst()))
exit(status)
