import SQLTestKit
