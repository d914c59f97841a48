# AddressSanitizer + UndefinedBehaviorSanitizer for every target when SSHLIB_SANITIZE is on.
# UBSan findings abort so that a test cannot pass over undefined behaviour.
if(SSHLIB_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
